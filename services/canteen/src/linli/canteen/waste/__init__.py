"""Kitchen waste (厨余垃圾): the weighing log with its corrections, waste per cover from the real covers
of the orders, targets and the assessment score (考核) from the ``waste_assessment`` hook."""
