"""What qms.notifications may import of the project (read by the architecture test): it knows no domain app; apps
reach people through its ``notify(...)`` and its outbox."""

MAY_IMPORT = ["qms.core"]
