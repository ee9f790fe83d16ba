"""Scheduler wiring (APScheduler through PTB's JobQueue): feed polling and the digest tick.

The jobs themselves live with their subject (``bot.sources``, ``bot.digest``); this module
only says when they run. The database, not the scheduler, decides what is due, so a late or
missed run loses nothing.
"""
