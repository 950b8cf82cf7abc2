# Admin registrations for complaints.
