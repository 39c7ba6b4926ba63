"""Time the table with facets, the timeline, the map, the overview and the exports on N rows.

    TEST_DATABASE_URL=postgresql://... python bench/views.py [N]

Uses (drops and re-creates) the database named by TEST_DATABASE_URL with the suffix "_bench".
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import sessionmaker

from app.articles.models import Article
from app.entities.models import Place
from app.main import create_app
from app.migrate import upgrade
from app.movements.models import Movement
from app.settings import Settings
from tests.database import database_name, recreate_database


def main(n: int) -> None:
    url = recreate_database(database_name("_bench"))
    upgrade(url)
    engine = create_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    rng = random.Random(7)
    with factory() as session:
        places = [
            Place(
                key=f"bench:{i}",
                name=f"Place {i}",
                kind="city",
                lat=45 + rng.random() * 10,
                lon=25 + rng.random() * 15,
            )
            for i in range(200)
        ]
        session.add_all(places)
        articles = [
            Article(
                title=f"A{i}", text=f"t {i}", content_sha256=f"{i:064d}", outlet=f"Outlet {i % 30}"
            )
            for i in range(max(1, n // 20))
        ]
        session.add_all(articles)
        session.flush()
        now = datetime.now(UTC)
        rows = []
        for i in range(n):
            rows.append(
                {
                    "article_id": articles[i % len(articles)].id,
                    "unit_text": f"{rng.randint(1, 300)}th Brigade",
                    "side": rng.choice(["Russia", "Ukraine"]),
                    "origin_text": "o",
                    "origin_place_id": rng.choice(places).id,
                    "destination_text": "d",
                    "destination_place_id": rng.choice(places).id,
                    "source_text": f"Source {rng.randint(1, 80)}",
                    "status": rng.choice(["reported", "planned", "denied"]),
                    "event_date": date(2024, 1, 1) + timedelta(days=rng.randint(0, 900)),
                    "evidence": "e",
                    "evidence_start": 0,
                    "evidence_end": 1,
                    "confidence": 0.7,
                    "created_at": now - timedelta(hours=rng.randint(0, 24 * 60)),
                }
            )
        for start in range(0, n, 5000):
            session.execute(insert(Movement), rows[start : start + 5000])
        session.commit()
    app = create_app(Settings(environment="test", database_url=url), session_factory=factory)
    with TestClient(app) as client:
        for path in (
            "/movements",
            "/movements?destination=Place+1",
            "/timeline",
            "/map",
            "/",
            "/movements.csv",
            "/movements.ndjson",
            "/movements.geojson",
        ):
            client.get(path)  # warm
            started = time.perf_counter()
            response = client.get(path)
            took = time.perf_counter() - started
            size = len(response.content)
            print(f"{path:36} {response.status_code} {took * 1000:8.0f} ms {size / 1e6:8.2f} MB")
    engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
