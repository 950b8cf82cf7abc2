# Admin registrations for certifications.
