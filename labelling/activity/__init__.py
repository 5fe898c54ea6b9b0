"""Light activity statistics (issue 13): each month, per place and partner operator, the people
helped and the requests. `services` writes (the month's form, the CSV import, the closing of a
year by its renewal review), `selectors` reads (scoped series for the charts, the months
without figures), `csvfile` reads the imported file; pages in `views`."""
