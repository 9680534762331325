"""Listening to diners (俯身倾听): dish ratings and comments after an order (kiosk, phone, or a card
typed in at the counter), and food-safety complaints that become cases at the residents' committee."""
