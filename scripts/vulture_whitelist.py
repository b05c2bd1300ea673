# Reviewed whitelist for vulture (config: [tool.vulture] in pyproject.toml; run by scripts/test).
# vulture parses this file, it is never imported. Each entry is a name that vulture reports as unused and that is
# used all the same, grouped by how it is used. A new report is either dead code (delete it) or a use vulture
# cannot see (add it here, under the group that says why). Reviewed 2026-12-02 (issue 18).
# ruff: noqa
# fmt: off

# -- Django model fields and choices: the database schema, read through the ORM, templates, admin and exports ------
rems_setting_id  # accounts.Clinic
entered_by  # measurement.Assessment
BLOOD_PRESSURE; MONITORING; REMS_DUE  # measurement.AlertKind choices
acknowledged_by; acknowledgement_note; acknowledged_by_id  # measurement.Alert
_.acknowledged_by; _.acknowledgement_note  # set by measurement.alerts / services
confirmed; _.confirmed  # authn.TotpDevice
FEMALE; MALE  # records.Sex choices
updated_at; created_by; signed_off_by; override_reason; overridden_by; overridden_at  # records rows
_.updated_at; _.signed_off_by; _.override_reason; _.overridden_by; _.overridden_at; _.submitted_by
reassessment_due_on; prescriber  # records.Course
discharge_ready; _.discharge_ready  # records.Session: set when signing (the discharge verdict at sign-off)
gate_overridden_by; gate_overridden_at; _.gate_overridden_by; _.gate_overridden_at  # records.Course (issue 11)
dose_check; dose_override_reason; dose_overridden_by; sign_override_reason  # records.Session (issue 11)
_.dose_check; _.dose_override_reason; _.dose_overridden_by; _.sign_override_reason  # set by session writes
_.is_superuser  # accounts admin: never a superuser, whatever was posted (issue 16)
PREDOSE; POST_40; DISCHARGE  # records.Timepoint choices
recorded_by; submitted_by  # records vitals, ratings, events, REMS rows
MILD; MODERATE; SEVERE  # records.Severity choices
_.delete  # audit models refuse deletes: Django calls Model.delete

# -- django-ninja output schemas: fields of the API's JSON (docs in /api/openapi.json) ----------------------------
rems_record_id  # records.schemas.SignOut

# -- Django by dotted path or by convention ---------------------------------------------------------------------
RedactingFilter  # settings.LOGGING names it by path
handler403; handler404; handler500; forbidden; not_found; server_error  # root urls' error handlers (site_pages)
csrf_failure  # settings.CSRF_FAILURE_VIEW
PackageFileFinder; ClinicStaticStorage  # settings.STATICFILES_FINDERS and STORAGES name them by path
_.find; ignore_patterns  # a staticfiles finder's interface (Django calls find and list(ignore_patterns))
_.compress_brotli; _.create_compressor  # WhiteNoise's Compressor and storage hooks, overridden
_.csp_nonce  # read by templates as request.csp_nonce
sender  # clinic.write_requests: Django passes a signal receiver's sender by keyword
AnonymousUser  # clinic.access: imported for the Actor type alias (a string annotation vulture does not read)
override_reason; weight_unit; height; height_unit  # form fields, rendered and cleaned by Django forms
_.__doc__  # Typer shows a command's docstring as its help
_.allow_nan  # scikit-learn reads its estimator tags

# -- read by templates (vulture reads no HTML) ------------------------------------------------------------------
_.trial_rows  # records/intake_trd.html
_.effective_verdict  # records/_intake_result.html
_.can_sign  # records/session_detail.html
screening; rems_records  # records.services.overview.PatientPage, records/patient_detail.html
sessions_count; assessments_due; reassessments_due; open_alert_counts  # measurement.dashboard, the dashboard page
rems_due_count; rems_overdue_count; outcome_alert_counts
max_total  # measurement.trajectory.Trajectory: the chart's y-axis
level_summary  # measurement.alerts.AlertPage, measurement/_alert_pager.html
open_alert_total; screens_due_total  # measurement.dashboard, the dashboard page
can_chart; critical_alerts; other_alert_levels; alert_level_counts  # measurement.dashboard, the dashboard page
reviews_due; reviews_due_total; assessments_due_total
all_screenings; open_alert_limit  # records.services.overview.PatientPage, records/patient_detail.html
has_next; can_register  # records.services.patients.PatientListPage, records/patient_list.html
open_critical; discharge_not_ready  # records.services.sessions, records/session_detail.html
screening_judged; screening_lifted_by  # records.services.sessions.ChairView, records/session_detail.html

# -- fields of result values: shown by the CLI's --json and Rich output, the API and reports (dataclass fields) ----
rd_pp; omop_table; estimate; pooled; pooled_ci  # analytics results
n_courses; response_definition; remission_profile; remission_cutoffs; n_responders; coefficients
logrank_p; logrank_statistic
evaluated_at  # clinical.checklist.ChecklistResult
effective_date  # versioned profiles and source tables (ADR 0003: every profile has an effective date)
predose_diastolic_mmhg  # clinical.measurement_timeline, read by name in a loop
assessed_at; earliest_at  # clinical.monitoring.discharge
configured_by; consulted; monitoring_until_resolution; bp_time_points; prescriber_onsite_required  # profiles
first_name; last_name; hcp_name; hcp_phone; hcp_email; setting_name; setting_address  # REMS PMF fields
benzodiazepines; non_benzodiazepine_sedative_hypnotics; psychostimulants; maois; opioids
dose_administered; bp_predose; bp_post_40_min; bp_before_completion; respiratory_depression; hours_left
bladder_interval_days; cognitive_interval_days; liver_enzymes_interval_days; blood_pressure_review_interval_days
patient_mrn  # interop.records.AssessmentRecord (the record's shape, filled by clinic.fhir_bridge)
effect; available  # pharmacology.pd
_.accepted  # clinical.dose_check / clinical.treatment_gate verdicts: read by tests and the JSON of a refusal
published_interval; days_in_response_per_session; median_days_to_relapse_after_last  # pharmacology.benefit results

# -- citations and public API of the core (documented; used by tests, doctests and docs) ---------------------------
DEVICE_SOURCE  # the citation of the esketamine device constants above it
AGE_CAP_SOURCE  # the citation of AGE_CAP (HIPAA Safe Harbor)
RACEMIC  # clinical.monitoring_profiles: the racemic products
_.max_total  # clinical.instruments.Instrument
_.unmet  # clinical.monitoring.discharge.DischargeAssessment
events_by_type  # clinical.outcomes
_example_record  # clinical.rems: the doctests' example
_.two_by_two  # analytics.evidence_counts
_.to_frames  # analytics.synth (docs/analytics.md)
_.by_outcome  # interop.fhir.report
POTENCY_SOURCE_ID; VECTOR_NAMES; ESKETAMINE_DOSES_MG  # pharmacology.benefit: citation, parameter names, label doses
_.calibrated  # pharmacology.benefit.BenefitParams.calibrated (docs/benefit-model.md)
_.interval_method; _.median_convention  # analytics.survival.Durability: shown in its to_dict / --json output
_.__new__  # cli: the rich.markdown stand-in builds the real Markdown when Typer asks for one
_.commits  # clinic.audit.service.GroupCommit: commits written, read by tests and the load benchmark
_.flagged; _.last_vitals; _.charted_vitals; _.charted_ratings; _.timers  # records.services.sessions.ChairView: read by the chair template

# -- issue 13/14/15 apps (2026-12-02): stored record columns, API output fields, template reads, Django hooks -------
Command; _.add_arguments  # clinic.scheduling / clinic.selfreport management commands (manage.py send_*)
selfreport_panel  # clinic.selfreport.templatetags: {% selfreport_panel %} on the dashboard
__getattr__  # clinic.chartnotes.interface: lazy re-export of the services (module __getattr__, PEP 562)
last_dose_on; fade_days; window_passed  # clinic.benefit.panel.Panel: read by benefit/_panel.html
dose_text; author_id; author  # clinic.chartnotes: the stored medication text and note author (models, API output)
nasal_medicines; _.unclassified  # clinic.chartnotes.services.ChartSummary: read by the chair header template
received_by; recorded_at; corrects; counted_at; counted_by  # clinic.controlled models: the log's record (1304.04)
closed_reason; bookings; already_booked; plan_number  # clinic.scheduling: read by the day/week/book templates
reminded_at; _.reminded_at  # clinic.scheduling.Booking / clinic.selfreport.ReportLink: when the reminder went out
from_chair; from_starts_at; to_chair; to_starts_at; changed_by; changed_at  # clinic.scheduling.BookingChange record
unanswered; _.completion_pct  # clinic.selfreport.dashboard: read by the dashboard panel template
safety_positive; _.safety_positive  # clinic.selfreport: the answers' safety flag (stored, shown to staff)
shipped_default; judged_at; is_default  # clinic.site: version records and the settings page's "shipped default"
answer_by  # clinical.self_report_schedule.Due: the date the questionnaire should be answered by (result field)
ClinicUserBackend; _.get_user  # clinic.accounts.backends: AUTHENTICATION_BACKENDS (the user loaded with the clinic)
FastDjangoTemplates  # clinic.form_renderer: FORM_RENDERER (named by a string in the settings)
_.returning_fields  # clinic.audit.rows: read by the ORM compiler (INSERT ... RETURNING id)
critical_rows; chair_rows  # clinic.measurement.templatetags.dashboard_rows: template tags used by dashboard.html
