# Models of complaints arrive with their issue.
