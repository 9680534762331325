"""Payments (支付): payment providers (cash, meal card, subsidy, Stripe), refunds, Stripe webhooks."""
