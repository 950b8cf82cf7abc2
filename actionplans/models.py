# Models of actionplans arrive with their issue.
