"""Placing orders and moving sub-orders through their status machine.

    placed ─confirm─▶ confirmed ─ship─▶ shipped ─deliver─▶ delivered ─complete─▶ completed
      │                 │                 └─fail_delivery─▶ delivery_failed ─return─▶ returned
      └────cancel───────┴─▶ cancelled

Stock is reserved when the order is placed, under row locks taken in a fixed order
(`marketplace.locks`), and given back exactly once: on `cancel`, and on `return` (the refused
parcel is back at the enterprise). A refusal at the door (`fail_delivery` of a COD order) is
counted against the shopper's phone number.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.divisions import validate_ward_in_province
from accounts.generations import count
from accounts.models import Address, User
from accounts.phone import normalize_phone
from accounts.services import save_address
from marketplace import locks
from marketplace.exceptions import (
    CartEmpty,
    CheckoutInvalid,
    CodNotAllowed,
    InvalidQuantity,
    InvalidTransition,
    OrderNotFound,
    OutOfStock,
    ProductUnavailable,
    TooManyLookups,
)
from marketplace.mail import enterprise_recipients, send_templated
from marketplace.models import (
    Cart,
    CartLine,
    CodRefusal,
    Enterprise,
    Order,
    OrderLine,
    OrderSettings,
    PaymentMethod,
    Product,
    SubOrder,
    SubOrderEvent,
)
from marketplace.order_notifications import (
    collect_cod_when_delivered,
    notify_sub_order_event,
    settle_cancelled_sub_order,
)
from marketplace.statemachine import StatusMachine, Transition
from payments.exceptions import AmountOutOfRange
from payments.services import check_amount
from traceability.selectors import published_batches

Status = SubOrder.Status

SUB_ORDER_TRANSITIONS = {
    "confirm": Transition(frozenset({Status.PLACED}), Status.CONFIRMED),
    "ship": Transition(frozenset({Status.CONFIRMED}), Status.SHIPPED),
    "deliver": Transition(frozenset({Status.SHIPPED}), Status.DELIVERED),
    "complete": Transition(frozenset({Status.DELIVERED}), Status.COMPLETED),
    "cancel": Transition(frozenset({Status.PLACED, Status.CONFIRMED}), Status.CANCELLED),
    "fail_delivery": Transition(
        frozenset({Status.SHIPPED}), Status.DELIVERY_FAILED, reason_required=True
    ),
    "return": Transition(frozenset({Status.DELIVERY_FAILED}), Status.RETURNED),
}

MACHINE = StatusMachine(
    model=SubOrder,
    transitions=SUB_ORDER_TRANSITIONS,
    event_model=SubOrderEvent,
    event_link="sub_order",
    reason_field="status_reason",
    stamps={
        Status.CONFIRMED: "confirmed_at",
        Status.SHIPPED: "shipped_at",
        Status.DELIVERED: "delivered_at",
    },
    refused=lambda status: (
        _("An order part that is “%(status)s” cannot be changed this way.") % {"status": status}
    ),
)


@dataclass(frozen=True)
class Contact:
    """What the shopper typed at checkout, already normalised by `clean_contact`."""

    name: str
    phone: str
    email: str
    province_code: int
    ward_code: int
    street: str
    note: str


# The longest address Order.email holds (RFC 5321's limit); Django's check alone allows 320.
EMAIL_LENGTH = 254


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def clean_contact(
    *,
    name: str,
    phone: str,
    email: str = "",
    province_code: int | str | None,
    ward_code: int | str | None,
    street: str,
    note: str = "",
) -> Contact:
    """Validate and normalise checkout details; raise CheckoutInvalid with every field's
    message (phone to E.164, ward inside the province, name and street required)."""
    fields: dict[str, str] = {}
    name = (name or "").strip()
    street = (street or "").strip()
    email = (email or "").strip().lower()
    note = (note or "").strip()
    typed = {"name": name, "phone": phone or "", "email": email, "street": street, "note": note}
    for field, value in typed.items():
        if "\x00" in value:  # forms refuse it too; no text column can hold it
            fields[field] = _("This field contains a character that is not allowed.")
    if fields:
        raise CheckoutInvalid(fields=fields)
    if not name or len(name) > 120:
        fields["name"] = _("Enter the name of the person receiving the parcel.")
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        fields["phone"] = str(error.messages[0])
    if email and (len(email) > EMAIL_LENGTH or not _is_email(email)):
        fields["email"] = _("Enter a valid email address or leave it empty.")
    province = ward = 0
    try:
        province = int(province_code or 0)
        ward = int(ward_code or 0)
        validate_ward_in_province(ward_code=ward, province_code=province)
    except (TypeError, ValueError):
        fields["ward_code"] = _("Choose a ward or commune from the list.")
    except ValidationError as error:
        key = "province_code" if error.code == "invalid_province" else "ward_code"
        fields[key] = str(error.messages[0])
    if not street or len(street) > 200:
        fields["street"] = _("Enter the house number and street.")
    if len(note) > 500:
        fields["note"] = _("Keep the note under 500 characters.")
    if fields:
        raise CheckoutInvalid(fields=fields)
    return Contact(
        name=name,
        phone=phone,
        email=email,
        province_code=province,
        ward_code=ward,
        street=street,
        note=note,
    )


def remember_address(*, user: User, contact: Contact) -> None:
    """Keep the delivery address of a signed-in shopper's order for the next checkout, unless
    they already keep the same one (the first becomes their default)."""
    kept = Address.objects.filter(
        user=user,
        province_code=contact.province_code,
        ward_code=contact.ward_code,
        street=contact.street,
        full_name=contact.name,
        phone=contact.phone,
    )
    if not kept.exists():
        save_address(
            user=user,
            full_name=contact.name,
            phone=contact.phone,
            province_code=contact.province_code,
            ward_code=contact.ward_code,
            street=contact.street,
        )


def cod_refusals(*, phone: str) -> int:
    """How many COD parcels were refused at the door for this (E.164) phone number."""
    return CodRefusal.objects.filter(phone=phone).count()


def check_cod_allowed(*, phone: str, settings: OrderSettings) -> None:
    """Raise CodNotAllowed when the phone has reached the configured number of refusals."""
    limit = settings.cod_refusal_limit
    if limit and cod_refusals(phone=phone) >= limit:
        raise CodNotAllowed


def _order_code(order: Order) -> str:
    day = timezone.localtime(order.created_at).strftime("%y%m%d")
    return f"DH{day}{order.pk:04d}"


def _cart_key(cart: Cart, idempotency_key: str) -> str | None:
    """The key as stored: the client's, within its cart. A key is the client's own word, not
    a secret (an API client may count them): another cart sending it must not get this
    order back (its code, address and payment link)."""
    key = (idempotency_key or "").strip()
    return f"{cart.pk}:{key}"[:80] if key else None


def earlier_order(*, cart: Cart, idempotency_key: str) -> Order | None:
    """The order this cart already placed with this idempotency key, if any."""
    key = _cart_key(cart, idempotency_key)
    return Order.objects.filter(idempotency_key=key).first() if key else None


def place_order(
    *,
    cart: Cart,
    contact: Contact,
    payment_method: str,
    user: User | None = None,
    idempotency_key: str = "",
) -> Order:
    """Turn the cart into one order with one sub-order per enterprise, reserving the stock.

    Everything is priced by the server from the locked catalogue rows; the cart only says which
    variants and how many. Products and variants are locked in primary-key order
    (`locks.lock_variants_for_sale`), so concurrent checkouts never deadlock and never sell the
    same unit twice. The cart is emptied in the same transaction. With an `idempotency_key`
    already used, the earlier order is returned and nothing changes.

    Raises CartEmpty, ProductUnavailable, OutOfStock (naming the product and what is left),
    InvalidQuantity, CheckoutInvalid (an unknown payment method, or one that does not take the
    order's total: MoMo's wallet stops at 50.000.000 ₫) or CodNotAllowed; nothing is written
    then. After commit, the shopper and the enterprises are notified. A signed-in
    shopper's delivery address is kept for the next checkout (`remember_address`).
    """
    if payment_method not in PaymentMethod.values:
        raise CheckoutInvalid(fields={"payment_method": _("Choose a payment method.")})
    key = _cart_key(cart, idempotency_key)
    earlier = earlier_order(cart=cart, idempotency_key=idempotency_key)
    if earlier is not None:
        return earlier
    rules = OrderSettings.load()
    if payment_method == PaymentMethod.COD:
        check_cod_allowed(phone=contact.phone, settings=rules)
    try:
        with transaction.atomic():
            order = _place_locked(
                cart=cart,
                contact=contact,
                payment_method=payment_method,
                user=user,
                key=key,
                rules=rules,
            )
    except IntegrityError:
        # the same idempotency key committed by a concurrent request first
        earlier = earlier_order(cart=cart, idempotency_key=idempotency_key)
        if earlier is not None:
            return earlier
        raise
    if user is not None:
        remember_address(user=user, contact=contact)
    return order


def _place_locked(
    *,
    cart: Cart,
    contact: Contact,
    payment_method: str,
    user: User | None,
    key: str | None,
    rules: OrderSettings,
) -> Order:
    wanted = dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))
    if not wanted:
        raise CartEmpty
    if any(quantity < 1 for quantity in wanted.values()):
        raise InvalidQuantity
    variants = locks.lock_variants_for_sale(wanted)
    short: list[str] = []
    for variant_id in sorted(wanted):
        variant = variants.get(variant_id)
        if (
            variant is None
            or not variant.is_active
            or variant.product.status != Product.Status.PUBLISHED
            or variant.product.enterprise.status != Enterprise.Status.APPROVED
        ):
            name = f"{variant.product.name} – {variant.name}" if variant else ""
            raise ProductUnavailable(
                _("%(product)s is no longer on sale. Remove it from your cart.") % {"product": name}
                if name
                else None
            )
        if variant.stock < wanted[variant_id]:
            short.append(
                _("%(product)s – %(variant)s: only %(count)s left.")
                % {"product": variant.product.name, "variant": variant.name, "count": variant.stock}
                if variant.stock
                else _("%(product)s – %(variant)s is sold out.")
                % {"product": variant.product.name, "variant": variant.name}
            )
    if short:
        raise OutOfStock(" ".join(short))

    # group by enterprise, in the order of the enterprises' ids (stable codes and rows)
    groups: dict[int, list[int]] = {}
    for variant_id in sorted(wanted):
        groups.setdefault(variants[variant_id].product.enterprise_id, []).append(variant_id)
    subtotals = {
        enterprise_id: sum(variants[v].price_vnd * wanted[v] for v in ids)
        for enterprise_id, ids in groups.items()
    }
    fees = {
        enterprise_id: rules.shipping_fee_vnd(items_vnd=amount, province_code=contact.province_code)
        for enterprise_id, amount in subtotals.items()
    }
    items_vnd = sum(subtotals.values())
    shipping_vnd = sum(fees.values())
    try:
        check_amount(provider_code=payment_method, amount_vnd=items_vnd + shipping_vnd)
    except AmountOutOfRange as error:
        raise CheckoutInvalid(fields={"payment_method": error.message}) from error
    order = Order.objects.create(
        code=f"tmp-{uuid.uuid4().hex[:16]}",
        user=user,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        province_code=contact.province_code,
        ward_code=contact.ward_code,
        street=contact.street,
        note=contact.note,
        payment_method=payment_method,
        items_vnd=items_vnd,
        shipping_vnd=shipping_vnd,
        total_vnd=items_vnd + shipping_vnd,
        idempotency_key=key,
    )
    order.code = _order_code(order)
    Order.objects.filter(pk=order.pk).update(code=order.code)
    sub_orders = SubOrder.objects.bulk_create(
        SubOrder(
            order=order,
            enterprise_id=enterprise_id,
            items_vnd=subtotals[enterprise_id],
            shipping_vnd=fees[enterprise_id],
        )
        for enterprise_id in groups
    )
    by_enterprise = {sub.enterprise_id: sub for sub in sub_orders}
    OrderLine.objects.bulk_create(
        OrderLine(
            sub_order=by_enterprise[enterprise_id],
            variant=variants[variant_id],
            product_name=variants[variant_id].product.name,
            variant_name=variants[variant_id].name,
            sku=variants[variant_id].sku,
            gtin=variants[variant_id].gtin,
            unit_price_vnd=variants[variant_id].price_vnd,
            quantity=wanted[variant_id],
            line_total_vnd=variants[variant_id].price_vnd * wanted[variant_id],
        )
        for enterprise_id, ids in groups.items()
        for variant_id in ids
    )
    actor = user
    events = SubOrderEvent.objects.bulk_create(
        SubOrderEvent(sub_order=sub, from_status="", to_status=Status.PLACED, actor=actor)
        for sub in sub_orders
    )
    locks.move_stock(
        quantities=wanted,
        product_of={v: variants[v].product_id for v in wanted},
        sign=-1,
    )
    CartLine.objects.filter(cart=cart).delete()
    _notify_after_commit(event.pk for event in events)
    return order


def _notify_after_commit(event_ids: Iterable[int]) -> None:
    ids = list(event_ids)
    transaction.on_commit(
        lambda: [notify_sub_order_event.enqueue(event_id=event_id) for event_id in ids]
    )


def _give_stock_back(sub_order: SubOrder) -> None:
    """Return a sub-order's units to stock, once (guarded by `stock_returned_at`, under the
    sub-order's row lock held by the caller's transaction)."""
    if sub_order.stock_returned_at is not None:
        return
    lines = list(
        OrderLine.objects.filter(sub_order=sub_order, variant__isnull=False).values_list(
            "variant_id", "quantity"
        )
    )
    quantities: dict[int, int] = {}
    for variant_id, quantity in lines:
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    if quantities:
        variants = locks.lock_variants_for_sale(quantities)
        locks.move_stock(
            quantities={v: q for v, q in quantities.items() if v in variants},
            product_of={v: variants[v].product_id for v in variants},
            sign=+1,
        )
    sub_order.stock_returned_at = timezone.now()
    SubOrder.objects.filter(pk=sub_order.pk).update(stock_returned_at=sub_order.stock_returned_at)


def _transition(
    *, sub_order_id: int, action: str, actor: User | None, reason: str = ""
) -> SubOrder:
    sub_order = SubOrder.objects.filter(pk=sub_order_id).first()
    if sub_order is None:
        raise OrderNotFound
    with transaction.atomic():
        locked, event = MACHINE.apply(sub_order, action, actor=actor, reason=reason)
        if action in {"cancel", "return"}:
            _give_stock_back(locked)
        if action == "cancel":
            transaction.on_commit(
                lambda: settle_cancelled_sub_order.enqueue(sub_order_id=locked.pk)
            )
        if action == "ship":
            allocate_lots(locked)
        if action == "deliver":
            who = str(getattr(actor, "phone", "") or "enterprise")
            transaction.on_commit(
                lambda: collect_cod_when_delivered.enqueue(order_id=locked.order_id, actor=who)
            )
        if action == "fail_delivery":
            order = Order.objects.get(pk=locked.order_id)
            if order.payment_method == PaymentMethod.COD:
                CodRefusal.objects.get_or_create(sub_order=locked, defaults={"phone": order.phone})
        _notify_after_commit([event.pk])
    return locked


def allocate_lots(sub_order: SubOrder) -> None:
    """Record on each line of a shipping part the lot its packs came from: the newest published
    lot of the variant produced by today and not expired. Lines that already have one, or whose
    variant has no such lot, are left as they are. Two queries, three with lots to write."""
    today = timezone.localdate()
    lines = [
        line
        for line in OrderLine.objects.filter(sub_order=sub_order, batch__isnull=True)
        if line.variant_id is not None
    ]
    if not lines:
        return
    newest: dict[int, int] = {}
    candidates = (
        published_batches()
        .filter(
            variant_id__in={line.variant_id for line in lines},
            production_date__lte=today,
        )
        .exclude(expiry_date__lt=today)
        .order_by("variant_id", "-production_date", "-pk")
        .values_list("variant_id", "pk")
    )
    for variant_id, batch_id in candidates:
        newest.setdefault(variant_id, batch_id)
    allocated = []
    for line in lines:
        if line.variant_id in newest:
            line.batch_id = newest[line.variant_id]
            allocated.append(line)
    OrderLine.objects.bulk_update(allocated, ["batch"])


def confirm_sub_order(*, sub_order_id: int, actor: User | None) -> SubOrder:
    """The enterprise accepts its part of an order. Raises InvalidTransition unless placed."""
    return _transition(sub_order_id=sub_order_id, action="confirm", actor=actor)


def ship_sub_order(*, sub_order_id: int, actor: User | None) -> SubOrder:
    """The parcel left the enterprise; its lines get their lots (`allocate_lots`). Raises
    InvalidTransition unless confirmed."""
    return _transition(sub_order_id=sub_order_id, action="ship", actor=actor)


def deliver_sub_order(*, sub_order_id: int, actor: User | None) -> SubOrder:
    """The shopper received the parcel. Raises InvalidTransition unless shipped."""
    return _transition(sub_order_id=sub_order_id, action="deliver", actor=actor)


def complete_sub_order(*, sub_order_id: int, actor: User | None) -> SubOrder:
    """Close a delivered part (no complaint). Raises InvalidTransition unless delivered."""
    return _transition(sub_order_id=sub_order_id, action="complete", actor=actor)


def cancel_sub_order(*, sub_order_id: int, actor: User | None, reason: str = "") -> SubOrder:
    """Cancel a part before it ships; its stock goes back exactly once. Raises
    InvalidTransition once shipped (or already cancelled)."""
    return _transition(sub_order_id=sub_order_id, action="cancel", actor=actor, reason=reason)


def fail_sub_order_delivery(*, sub_order_id: int, actor: User | None, reason: str) -> SubOrder:
    """The parcel could not be delivered (e.g. COD refused at the door): recorded against the
    shopper's phone for COD orders. Raises ReasonRequired or InvalidTransition."""
    return _transition(
        sub_order_id=sub_order_id, action="fail_delivery", actor=actor, reason=reason
    )


def return_sub_order(*, sub_order_id: int, actor: User | None) -> SubOrder:
    """The undelivered parcel is back at the enterprise: its stock is given back exactly once.
    Raises InvalidTransition unless delivery failed."""
    return _transition(sub_order_id=sub_order_id, action="return", actor=actor)


def cancel_order_by_shopper(*, order: Order, actor: User | None) -> Order:
    """The shopper cancels every part of the order that no enterprise has confirmed yet.

    Raises InvalidTransition (nothing changes) when any part is already confirmed or further.
    """
    with transaction.atomic():
        parts = list(SubOrder.objects.select_for_update().filter(order=order).order_by("pk"))
        if any(part.status not in {Status.PLACED, Status.CANCELLED} for part in parts):
            raise InvalidTransition(
                _("An enterprise has already confirmed this order: contact it to cancel.")
            )
        for part in parts:
            if part.status == Status.PLACED:
                _transition(
                    sub_order_id=part.pk,
                    action="cancel",
                    actor=actor,
                    reason=_("Cancelled by the shopper."),
                )
    return order


def find_order(*, code: str, phone: str, client: str = "") -> Order:
    """The order with this code placed with this phone (any spelling). Raises OrderNotFound
    for a wrong code, a wrong phone or an invalid phone alike, so codes cannot be probed, and
    TooManyLookups once `client` (the visitor's address) has failed too often."""
    check_lookups_allowed(client=client)
    try:
        e164 = normalize_phone(phone)
    except ValidationError:
        e164 = ""
    order = Order.objects.filter(code=(code or "").strip().upper(), phone=e164).first()
    if order is None:
        note_failed_lookup(client=client)
        raise OrderNotFound
    return order


# Failed lookups (a code with the wrong phone) one address may make in a window: order codes
# follow each other, so without a limit a phone number could be tried against every code.
LOOKUP_FAILURES = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


def _lookup_key(client: str) -> str:
    return f"marketplace:order-lookups:{client}"


def check_lookups_allowed(*, client: str) -> None:
    """Raise TooManyLookups when `client` has failed LOOKUP_FAILURES lookups in the window."""
    if client and int(cache.get(_lookup_key(client), 0)) >= LOOKUP_FAILURES:
        raise TooManyLookups


def note_failed_lookup(*, client: str) -> None:
    if client:
        count(_lookup_key(client), LOOKUP_WINDOW_SECONDS)


def remind_and_cancel_unconfirmed(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind enterprises of parts unconfirmed after `confirm_reminder_hours`, and cancel those
    unconfirmed after `auto_cancel_hours` (stock returned). Returns (reminded, cancelled)."""
    moment = now or timezone.now()
    rules = OrderSettings.load()
    reminded = cancelled = 0
    if rules.auto_cancel_hours:
        limit = moment - datetime.timedelta(hours=rules.auto_cancel_hours)
        for pk in SubOrder.objects.filter(
            status=SubOrder.Status.PLACED, created_at__lte=limit
        ).values_list("pk", flat=True):
            try:
                cancel_sub_order(
                    sub_order_id=pk,
                    actor=None,
                    reason=str(_("Not confirmed by the enterprise in time.")),
                )
                cancelled += 1
            except InvalidTransition:
                continue
    if rules.confirm_reminder_hours:
        limit = moment - datetime.timedelta(hours=rules.confirm_reminder_hours)
        due = SubOrder.objects.filter(
            status=SubOrder.Status.PLACED, created_at__lte=limit, reminded_at__isnull=True
        ).select_related("order", "enterprise")
        for sub_order in due:
            send_templated(
                "marketplace/email/sub_order_reminder",
                {"sub_order": sub_order, "order": sub_order.order},
                enterprise_recipients(sub_order.enterprise),
            )
            SubOrder.objects.filter(pk=sub_order.pk).update(reminded_at=moment)
            reminded += 1
    return reminded, cancelled


def switch_order_to_cod(*, order: Order) -> Order:
    """An unpaid online order becomes cash on delivery (e.g. the e-wallet failed).

    Raises CodNotAllowed for a phone with too many refusals, and InvalidTransition when the
    order is already paid or cancelled; nothing changes then.
    """
    rules = OrderSettings.load()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.payment_status != Order.PaymentStatus.PENDING or not locked.is_payable:
            raise InvalidTransition
        check_cod_allowed(phone=locked.phone, settings=rules)
        locked.payment_method = PaymentMethod.COD
        locked.save(update_fields=["payment_method", "updated_at"])
    return locked
