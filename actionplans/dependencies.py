"""What action plans may import of the project (read by the architecture test). Never the apps that feed them
actions (helpdesk, surveys, certifications, reviews): those register as sources in qms.core."""

MAY_IMPORT = ["qms.core", "qms.notifications", "processes"]
