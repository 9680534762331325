"""bookings area of the hub."""
