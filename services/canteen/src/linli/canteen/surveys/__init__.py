"""Surveys (问卷): staff build them (single or multiple choice, rating, free text; anonymous or
identified; open and close dates), diners answer once, staff read the results and export them."""
