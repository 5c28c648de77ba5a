"""The application factory: configuration, extensions, blueprints, error handlers, and what the
app runs behind the alert life cycle and its background jobs (the programmes, the job handlers).

The one module that imports every part of telemon, to put them together; nothing imports it but
the entry points (telemon.cli, telemon.wsgi, workers.app) and the tests.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import refresh as refresh_locale

from telemon import commands, db_privacy, models  # noqa: F401  (tables; redacted database errors)
from telemon.administration.api import bp as administration_bp
from telemon.alerts import evaluation, periodic
from telemon.alerts.api import bp as alerts_bp
from telemon.alerts.programmes import register as register_programmes
from telemon.anticoagulation.api import bp as anticoagulation_bp
from telemon.anticoagulation.programme import ANTICOAGULATION
from telemon.audit import write_refusals
from telemon.background import jobs
from telemon.background.celery_app import celery_init_app
from telemon.config import engine_options, load_config, private_database_file
from telemon.copd.programme import COPD
from telemon.errors import TelemonError
from telemon.extensions import csrf, db, limiter, migrate
from telemon.fhir.api import bp as fhir_bp
from telemon.http.auth import api_user
from telemon.http.headers import init_http_security
from telemon.http.ids import IdConverter, id_param_schema
from telemon.http.input_guard import init_input_guard
from telemon.http.locale import select_locale
from telemon.http.openapi import document_errors
from telemon.http.problems import (
    DATABASE_UNAVAILABLE,
    TelemonApi,
    handle_database_unavailable,
    handle_telemon_error,
    handle_unexpected,
)
from telemon.i18n import DEFAULT_LANGUAGE, babel
from telemon.identity.api import bp as identity_bp
from telemon.ingest.api import bp as ingest_bp
from telemon.medcom import api as medcom_api  # noqa: F401  (POST /fhir/$process-message)
from telemon.messages.api import bp as messages_bp
from telemon.notify import outbox
from telemon.patients.api import bp as patients_bp
from telemon.questionnaires import assignments
from telemon.questionnaires import evaluation as questionnaire_evaluation
from telemon.questionnaires.api import bp as questionnaires_bp
from telemon.web.admin import bp as admin_bp
from telemon.web.clinic import bp as clinic_bp
from telemon.web.components import bp as components_bp
from telemon.web.entry import bp as entry_bp
from telemon.web.home import bp as home_bp
from telemon.web.patient import bp as patient_bp
from telemon.woundcare import reviews
from telemon.woundcare.api import bp as wounds_bp
from telemon.woundcare.programme import WOUND_CARE

# The JSON API's blueprints (documented in the OpenAPI document) and the browser UI's, one per
# audience (telemon.web), each registered in this order.
API_BLUEPRINTS = (
    identity_bp,
    patients_bp,
    ingest_bp,
    alerts_bp,
    anticoagulation_bp,
    wounds_bp,
    messages_bp,
    administration_bp,
    questionnaires_bp,
)
WEB_BLUEPRINTS = (components_bp, entry_bp, clinic_bp, home_bp, patient_bp, admin_bp)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: configuration, extensions, blueprints, error handlers."""
    # Named "telemon" (the package), whose folder holds the migrations and translations.
    app = Flask(
        "telemon", instance_path=os.path.abspath(os.environ.get("TELEMON_INSTANCE", "instance"))
    )
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.url_map.converters["int"] = IdConverter  # before any route: every <int:id> is bounded
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    os.makedirs(app.instance_path, exist_ok=True)
    private_database_file(app.config["SQLALCHEMY_DATABASE_URI"])
    _configure_logging(app)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    limiter.init_app(app)
    init_http_security(app)
    babel.init_app(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE)
    app.jinja_env.globals["get_locale"] = get_locale
    # The language is the request's: forget the last one even if an app context outlives it.
    app.before_request(refresh_locale)
    csrf.init_app(app)
    api = TelemonApi(app, spec_kwargs={"info": {"description": _API_DESCRIPTION}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_converter(IdConverter, id_param_schema)
    generated = api.spec.to_dict
    api.spec.to_dict = lambda: document_errors(generated())
    celery_init_app(app)
    # The programmes, in the order an evaluation run judges their readings: INR before COPD,
    # as the run has always done.
    register_programmes(app, ANTICOAGULATION, COPD, WOUND_CARE)
    jobs.register(
        app,
        {
            jobs.EVALUATE_BATCH: evaluation.evaluate_batch,
            jobs.SEND_MAIL: outbox.send_mail,
            jobs.SWEEP: periodic.sweep,
            jobs.CHECK_MISSING: COPD.check_missing,
            jobs.ESCALATE: periodic.escalate_overdue,
            jobs.DIGEST: periodic.send_digests,
            jobs.CHECK_MISSED_INR: ANTICOAGULATION.check_missing,
            jobs.ESCALATE_REVIEWS: reviews.escalate_overdue_reviews,
            jobs.EVALUATE_RESPONSE: questionnaire_evaluation.evaluate_response,
            jobs.CHECK_MISSING_QUESTIONNAIRES: assignments.check_missing_questionnaires,
        },
    )

    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens, not cookies: no cross-site forgery
        api.register_blueprint(blueprint)
    for blueprint in WEB_BLUEPRINTS:
        app.register_blueprint(blueprint)
    csrf.exempt(fhir_bp)  # bearer tokens too; FHIR is described by /fhir/metadata, not OpenAPI
    app.register_blueprint(fhir_bp)

    app.register_error_handler(TelemonError, handle_telemon_error)
    for database_error in DATABASE_UNAVAILABLE:
        app.register_error_handler(database_error, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
    app.before_request(_authenticate_api)
    app.teardown_request(write_refusals)
    init_input_guard(app)  # after authentication: anonymous callers get their 401 first

    commands.register_commands(app)
    return app


_API_DESCRIPTION = (
    "telemon's JSON API. Every /api/v1 call except POST /api/v1/auth/token needs "
    "`Authorization: Bearer <token>`. Errors are application/problem+json (RFC 9457)."
)


# Signing in and changing one's password prove who is calling with the password itself.
_NO_TOKEN_PATHS = ("/api/v1/auth/token", "/api/v1/auth/password")


def _authenticate_api() -> Any:
    """Every /api/v1 call but the token exchange needs a valid bearer token, checked before
    the body is parsed, so an anonymous caller learns nothing from validation errors."""
    if not request.path.startswith("/api/v1/") or request.path in _NO_TOKEN_PATHS:
        return None
    try:
        api_user()
    except TelemonError as error:
        return handle_telemon_error(error)
    return None


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=os.environ.get("TELEMON_LOG_LEVEL", "INFO"),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    # Alembic announces every plugin at INFO on each start; only its migrations are news.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
