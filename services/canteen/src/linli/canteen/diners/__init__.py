"""Diners (食客): canteen profiles (age, special groups, subsidy eligibility) and meal cards (饭卡)."""
