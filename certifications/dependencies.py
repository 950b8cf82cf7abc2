"""What the certifications may import (the architecture test reads it): the action plans, to create and read
the actions that answer findings, and the process map, for audited processes and document versions."""

MAY_IMPORT = ["qms.core", "qms.notifications", "actionplans", "processes"]
