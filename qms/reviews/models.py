# Models of qms.reviews: none yet.
