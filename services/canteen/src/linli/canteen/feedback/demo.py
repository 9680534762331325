"""Demo feedback: dish ratings on some of the past week's served orders and an open survey about half
portions and set meals with a few answers, in both communities (dates relative to the day of seeding;
safe to run twice). Runs after the waste demo, whose orders it rates."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from linli.canteen.extensions import db
from linli.canteen.feedback.models import DishRating, Feedback
from linli.canteen.orders.models import Order
from linli.canteen.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from linli.shared.localtime import local_today
from linli.shared.seeding import seeding

RATED_ORDERS = 12
SURVEY_RESPONSES = 9
QUESTIONS: list[dict[str, Any]] = [
    {"kind": "single", "text_zh": "您多久点一次半份菜？", "text_en": "How often do you order half portions?",
     "options": [{"value": "often", "label_zh": "经常", "label_en": "Often"},
                 {"value": "sometimes", "label_zh": "有时", "label_en": "Sometimes"},
                 {"value": "never", "label_zh": "从不", "label_en": "Never"}]},
    {"kind": "multiple", "text_zh": "希望午市套餐里多一些什么？", "text_en": "What would you like more of in the lunch set meals?",
     "options": [{"value": "fish", "label_zh": "鱼", "label_en": "Fish"},
                 {"value": "greens", "label_zh": "蔬菜", "label_en": "Greens"},
                 {"value": "soup", "label_zh": "汤", "label_en": "Soup"},
                 {"value": "soft", "label_zh": "软烂好嚼的菜", "label_en": "Soft dishes, easy to chew"}],
     "required": False},
    {"kind": "rating", "text_zh": "您对食堂的饭菜总体满意吗？", "text_en": "How happy are you with the canteen's food overall?"},
    {"kind": "text", "text_zh": "还有什么想告诉我们的？", "text_en": "Anything else you would like to tell us?",
     "required": False},
]
TEXTS = ["菜可以再淡一点", "希望早餐有粥", "", "半份菜很好，不浪费", "", "Please label the allergens in English"]


def _ratings(community_id: str, rng: random.Random) -> int:
    since = local_today() - dt.timedelta(days=7)
    rated = set(db.session.scalars(sa.select(Feedback.order_id).where(Feedback.community_id == community_id,
                                                                       Feedback.order_id.is_not(None))))
    if rated:
        return 0
    served = db.session.scalars(sa.select(Order.id).where(
        Order.community_id == community_id, Order.state == "collected", Order.pickup_date >= since)
        .order_by(Order.id)).all()
    # spread over the whole week (every day's meal services), not the first meal service's orders only
    chosen = served[::max(1, len(served) // RATED_ORDERS)][:RATED_ORDERS]
    orders = db.session.scalars(sa.select(Order).where(Order.id.in_(chosen)).order_by(Order.id)).all()
    made = 0
    for order in orders:
        dish_ids = list(dict.fromkeys(line.dish_id for line in order.lines if line.dish_id is not None))
        at = order.collected_at or order.created_at
        feedback = Feedback(ref=secrets.token_urlsafe(12), community_id=community_id, order_id=order.id,
                            channel=rng.choice(("kiosk", "phone", "kiosk")), comment="", created_at=at,
                            ratings=[DishRating(community_id=community_id, dish_id=dish_id, created_at=at,
                                                rating=rng.choice((3, 4, 4, 5, 5, 2))) for dish_id in dish_ids])
        db.session.add(feedback)
        made += 1
    return made


def _survey(community_id: str, rng: random.Random) -> bool:
    if db.session.scalar(sa.select(Survey.id).where(Survey.community_id == community_id)):
        return False
    today = local_today()
    survey = Survey(community_id=community_id, title_zh="半份菜和套餐，您怎么看？", title_en="Half portions and set meals: your view",
                    intro_zh="三分钟，匿名填写。", intro_en="Three minutes, anonymous.", identified=False,
                    opens_on=today - dt.timedelta(days=3), closes_on=today + dt.timedelta(days=14),
                    created_by="demo-seed",
                    questions=[SurveyQuestion(position=i, **q) for i, q in enumerate(QUESTIONS, start=1)])
    db.session.add(survey)
    db.session.flush()
    single, multiple, rating, text = survey.questions
    for n in range(SURVEY_RESPONSES):
        answers = [SurveyAnswer(question_id=single.id, choices=[rng.choice(("often", "often", "sometimes", "never"))]),
                   SurveyAnswer(question_id=multiple.id, choices=rng.sample(["fish", "greens", "soup", "soft"], k=2)),
                   SurveyAnswer(question_id=rating.id, rating=rng.choice((3, 4, 4, 5)), choices=[])]
        words = TEXTS[n % len(TEXTS)]
        if words:
            answers.append(SurveyAnswer(question_id=text.id, text=words, choices=[]))
        db.session.add(SurveyResponse(survey_id=survey.id, respondent_key=f"session:demo-{community_id}-{n}",
                                      channel=rng.choice(("kiosk", "phone")), answers=answers))
    return True


def seed_demo(app: Flask) -> None:
    with seeding(app):  # one transaction: all or nothing
        ratings, surveys = 0, 0
        for community_id in ("north-bund", "fenglin-huiyuan"):
            if community_id not in app.extensions["linli"].communities:
                continue
            rng = random.Random(f"feedback:{community_id}")
            ratings += _ratings(community_id, rng)
            surveys += _survey(community_id, rng)
        db.session.commit()
        click.echo(f"canteen: {ratings} rated demo orders, {surveys} open surveys" if ratings or surveys
                   else "canteen: demo feedback already seeded")
