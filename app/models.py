"""Every mapped class, imported in one place so that metadata is complete (Alembic, tests)."""

from app.articles.ingest.models import ArticleBand
from app.articles.models import Article, ExtractionStatus
from app.audit.models import Revision
from app.db import Base
from app.entities.models import Place, Source, Unit
from app.imports.models import Feed, ImportBatch, ImportItem
from app.movements.cache_models import KeptAggregate
from app.movements.models import DatePrecision, Movement, Provenance, ReviewStatus, Status
from app.users.models import ApiToken, LoginAttempt, Role, User, UserSession

__all__ = [
    "ApiToken",
    "Article",
    "ArticleBand",
    "Base",
    "DatePrecision",
    "ExtractionStatus",
    "Feed",
    "ImportBatch",
    "ImportItem",
    "KeptAggregate",
    "LoginAttempt",
    "Movement",
    "Place",
    "Provenance",
    "ReviewStatus",
    "Revision",
    "Role",
    "Source",
    "Status",
    "Unit",
    "User",
    "UserSession",
]
