"""Activities and classes (戏曲班, 葫芦丝乐队, 书法, partner crafts): sessions, sign-up, waitlist, attendance."""
