"""Pure Vietnamese text handling: normalise and fold, sentences, dates, provinces."""
