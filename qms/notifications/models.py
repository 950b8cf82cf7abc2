# Models of qms.notifications arrive with their issue.
