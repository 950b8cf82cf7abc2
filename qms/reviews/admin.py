# Admin registrations for qms.reviews.
