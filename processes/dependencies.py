"""What the process map may import: core and the outbox, nothing above it (it never knows action plans)."""

MAY_IMPORT = ["qms.core", "qms.notifications"]
