"""What the helpdesk may import of the project (read by the architecture test)."""

MAY_IMPORT = ["qms.core", "qms.notifications", "processes", "actionplans"]
