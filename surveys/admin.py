# Admin registrations for surveys.
