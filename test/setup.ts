// Runs before every test file. Keep it tiny: per-file state belongs in the file itself.
process.env.TZ = 'Europe/London'
