# Models of qms.reviews arrive with their issue.
