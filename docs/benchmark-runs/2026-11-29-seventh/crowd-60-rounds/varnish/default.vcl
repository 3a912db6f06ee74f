vcl 4.1;
# Varnish as the side-by-side benchmark runs it (compare.sh fills in 18000): the origin's
# Cache-Control decides freshness (Varnish's default), concurrent misses wait on one fetch and
# receive its body as it streams (Varnish's defaults), and responses say whether they were hits.

backend origin {
  .host = "127.0.0.1";
  .port = "18000";
  .connect_timeout = 2s;
  .first_byte_timeout = 30s;
}

sub vcl_recv {
  # The key is host and path, as Strata's: the query string never reaches the origin.
  set req.url = regsub(req.url, "\?.*$", "");
  unset req.http.Cookie;
}

sub vcl_deliver {
  if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
}
