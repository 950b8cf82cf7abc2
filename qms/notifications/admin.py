# Admin registrations for qms.notifications.
