"""The analyst workflow routes: accounts, the review queue, and record editing."""

from fastapi import APIRouter

from app.movements import editing
from app.review import views as review_views
from app.users import views as user_views

router = APIRouter()
router.include_router(user_views.router)
router.include_router(review_views.router)
router.include_router(editing.router)
