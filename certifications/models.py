# Models of certifications: none yet.
