"""Generate an orders CSV for the import benchmark (not committed data; made on every run).

    python -m bench.gen_orders OUT.csv --orders 100000 [--products 200] [--seed 1]

One row per order line, 1–4 lines per order (2.5 on average, so 100 000 orders ≈ 250 000
lines), with payment and delivery columns, new customers named in the rows. Written as a
stream: memory does not grow with the file.
"""

import argparse
import csv
import random
from datetime import datetime, timedelta

HEADER = ["订单号", "下单时间", "客户编号", "客户姓名", "客户电话", "收货人", "收货电话",
          "收货地址", "运费", "支付明细", "快递公司", "快递单号", "发货时间", "签收时间",
          "行号", "SKU", "数量", "单价"]


def product_sku(i: int) -> str:
    return f"BENCH-{i:05d}"


def product_price(i: int) -> str:
    return f"{(i % 97) * 10 + 9.9:.2f}"


def write_orders(path: str, *, orders: int, products: int = 200, seed: int = 1,
                 encoding: str = "utf-8") -> int:
    """Write the file; returns the number of lines (data rows)."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    lines_total = 0
    with open(path, "w", newline="", encoding=encoding) as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(orders):
            placed = start + timedelta(minutes=7 * n)
            customer = rng.randrange(orders // 2 + 1)
            lines = rng.choice((1, 2, 3, 4))
            rows = []
            amount = 0.0
            for line_no in range(1, lines + 1):
                p = rng.randrange(products)
                qty = rng.choice((1, 1, 1, 2, 3))
                amount += float(product_price(p)) * qty
                rows.append((line_no, product_sku(p), qty, product_price(p)))
            pay = (f"wechat_pay:{amount:.2f}" if n % 3 or amount < 20
                   else f"alipay:{amount - 10:.2f};coupon:10")
            order_cells = [
                f"SO{n:09d}", placed.strftime("%Y-%m-%d %H:%M:%S"), f"C{customer:08d}",
                f"客户{customer}", f"138{customer:08d}", f"收货人{customer}",
                f"139{customer:08d}", f"浙江省杭州市西湖区文三路{n % 500}号", "0.00", pay,
                "顺丰", f"SF{n:012d}", (placed + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
                (placed + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            ]
            for line_no, sku, qty, price in rows:
                out.writerow([*order_cells, line_no, sku, qty, price])
            lines_total += lines
    return lines_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    lines = write_orders(args.out, orders=args.orders, products=args.products, seed=args.seed,
                         encoding=args.encoding)
    print(f"{args.out}: {args.orders} orders, {lines} lines")


if __name__ == "__main__":
    main()
