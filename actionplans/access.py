"""Action-plan pages open to every signed-in person (collected by ``qms.core.access``)."""

OPEN_TO_SIGNED_IN = [
    # Anyone may be given an action: the list of one's own is open to all (empty for those who own none).
    "actionplans:my-actions",
]
