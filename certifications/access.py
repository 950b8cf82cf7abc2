"""Pages of the certifications open to every signed-in person: none (the public page is public: ``public-list``)."""

OPEN_TO_SIGNED_IN: list[str] = []
