# Models of surveys arrive with their issue.
