"""Domain-neutral building blocks: database base, money, time, calendar, audit, errors."""
