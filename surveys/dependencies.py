"""What the surveys may import of the project (read by the architecture test). Not the helpdesk: the two sit side
by side, above action plans."""

MAY_IMPORT = ["qms.core", "qms.notifications", "processes", "actionplans"]
