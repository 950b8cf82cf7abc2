# Models of surveys: none yet.
