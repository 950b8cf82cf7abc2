"""What the surveys may import (the architecture test reads it): core and the outbox. Never the helpdesk."""

MAY_IMPORT = ["qms.core", "qms.notifications"]
