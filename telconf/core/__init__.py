"""The bottom of telconf: the error tree, the model's values, the provider registry,
phone numbers and WAV files. Every other package builds on these; they import none of them."""
