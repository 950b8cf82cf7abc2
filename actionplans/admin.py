# Admin registrations for actionplans.
