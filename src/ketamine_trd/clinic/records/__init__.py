"""Clinical records: patients, intake results, courses, sessions and REMS records."""
