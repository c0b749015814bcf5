"""The benchmark's baseline endpoint: POST /api/v1/bench/ping inserts one row.

It exists only under the bench settings (bench.settings): never in the product's API, OpenAPI
document or migrations. bench_cases (a) compares intake through the API with it on the same
server, with the same middleware and the same API-key auth.
"""
