"""The columns of the three import files and their accepted header names (English or Chinese).

A header is matched after trimming, lower-casing and turning spaces and dashes into
underscores, so "Order Number", "order_number" and "订单号" all name the same column.
Columns not listed here are ignored (shop exports carry many); a required column that is
missing rejects the file before any row is read.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def normalize_header(value: object) -> str:
    text = "" if value is None else str(value)
    return text.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


# Orders: one row per order LINE; order-level columns are repeated on every line of the order
# (or left empty on the following lines). The lines of one order must be on consecutive rows.
ORDER_COLUMNS = (
    Column("order_number", ("订单号", "订单编号", "order_no", "order"), required=True),
    Column("placed_at", ("下单时间", "订单创建时间", "创建时间", "order_time"), required=True),
    Column("customer_code", ("客户编号", "客户编码", "会员编号", "customer"), required=True),
    Column("customer_name", ("客户姓名", "客户名称", "买家")),
    Column("customer_phone", ("客户电话", "客户手机", "买家电话")),
    Column("business_line", ("业务线", "业务类型")),
    Column("channel", ("渠道", "销售渠道")),
    Column("dealer_code", ("经销商编号", "经销商编码", "dealer")),
    Column("paid_at", ("付款时间", "支付时间")),
    Column("shipping_fee", ("运费",)),
    Column("total", ("订单金额", "订单总额", "实付金额", "order_total")),
    Column("receiver_name", ("收货人", "收件人")),
    Column("receiver_phone", ("收货电话", "收货人电话", "收件人电话")),
    Column("receiver_address", ("收货地址", "收件地址")),
    Column("note", ("备注", "订单备注")),
    Column("payments", ("支付明细", "支付方式明细")),
    Column("payment_method", ("支付方式",)),
    Column("payment_amount", ("支付金额",)),
    Column("payment_reference", ("支付流水号", "交易号")),
    Column("carrier", ("快递公司", "承运商", "物流公司")),
    Column("tracking_no", ("快递单号", "运单号", "物流单号", "tracking_number")),
    Column("shipped_at", ("发货时间",)),
    Column("signed_at", ("签收时间",)),
    Column("installed_at", ("安装时间",)),
    # line columns
    Column("line_no", ("行号", "line")),
    Column("sku", ("商品编码", "商品sku", "货号"), required=True),
    Column("product_name", ("商品名称", "品名")),
    Column("quantity", ("数量", "qty"), required=True),
    Column("unit_price", ("单价", "price"), required=True),
    Column("points", ("积分",)),
    Column("gift", ("赠品", "is_gift")),
    Column("declared_gift_price", ("赠品申报价", "赠品价格")),
)

ORDER_LEVEL = (
    "placed_at", "customer_code", "customer_name", "customer_phone", "business_line", "channel",
    "dealer_code", "paid_at", "shipping_fee", "total", "receiver_name", "receiver_phone",
    "receiver_address", "note", "payments", "payment_method", "payment_amount",
    "payment_reference", "carrier", "tracking_no", "shipped_at", "signed_at", "installed_at",
)

PRODUCT_COLUMNS = (
    Column("sku", ("商品编码", "货号"), required=True),
    Column("name", ("商品名称", "品名", "名称", "product_name"), required=True),
    Column("category_code", ("类目编码", "品类编码", "类目", "品类", "category"), required=True),
    Column("model", ("型号",)),
    Column("color", ("颜色", "colour")),
    Column("spec", ("规格", "specification")),
    Column("unit", ("单位",)),
    Column("list_price", ("标价", "价格", "售价", "price")),
    Column("points", ("积分",)),
    Column("is_consumable", ("耗材", "consumable")),
    Column("is_custom_made", ("定制", "定作", "custom_made")),
    Column("is_perishable", ("鲜活易腐", "易腐", "perishable")),
    Column("is_key_product", ("重点产品", "key_product")),
    Column("not_exchangeable", ("不可换货",)),
    Column("is_promo_bundle", ("促销套餐", "promo_bundle")),
    Column("supplier_code", ("供应商编号", "供应商编码", "supplier")),
    Column("factory_code", ("外协厂编号", "外协厂编码", "factory")),
    Column("active", ("启用", "在售")),
)

CUSTOMER_COLUMNS = (
    Column("customer_code", ("客户编号", "客户编码", "code"), required=True),
    Column("name", ("姓名", "客户姓名", "客户名称", "名称", "customer_name"), required=True),
    Column("kind", ("客户类型", "类型")),
    Column("company", ("公司", "单位名称")),
    Column("phone", ("电话", "手机", "手机号", "联系电话")),
    Column("email", ("邮箱", "电子邮件", "e_mail")),
    Column("province", ("省份", "省")),
    Column("city", ("城市", "市")),
    Column("address", ("地址", "详细地址")),
    Column("key_account", ("重点客户",)),
    Column("member_no", ("会员号", "会员编号")),
    Column("points_balance", ("积分余额",)),
    Column("dealer_code", ("经销商编号", "经销商编码", "dealer")),
)


def lookup_table(columns: tuple[Column, ...]) -> dict[str, str]:
    table = {}
    for column in columns:
        for alias in (column.name, *column.aliases):
            table[normalize_header(alias)] = column.name
    return table
