# Models of certifications arrive with their issue.
