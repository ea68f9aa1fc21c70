vcl 4.1;

# Varnish in front of the health-article CMS (docs/performance.md, "Front-end
# cache"). Run it with, for example:
#
#   varnishd -a :80 -f /etc/varnish/default.vcl -s malloc,1g
#
# and set FRONTEND_CACHE_URL=http://127.0.0.1:80 on the app servers, so that a
# change purges what it affects once it commits (cms/frontend_cache.py).
#
# What is cached is what the app marks public (Cache-Control: public, s-maxage):
# pages and API answers for anonymous visitors. Everything else passes through.

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

# Who may purge: the app servers. Add their addresses here.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed."));
        }
        if (req.method == "BAN") {
            # Everything on this host: a change every page shows.
            ban("obj.http.x-host == " + req.http.host);
            return (synth(200, "Banned."));
        }
        # The path, with every query string (pagination, search terms, API
        # parameters).
        ban("obj.http.x-host == " + req.http.host +
            " && obj.http.x-path == " + regsub(req.url, "\?.*$", ""));
        return (synth(200, "Purged."));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, reader comments (forms and tokens), documents (privacy checked
    # per request) and previews are never cached.
    if (req.url ~ "^/(admin|comments|documents)/" || req.url ~ "^/api/v2/preview/") {
        return (pass);
    }
    # Logged-in staff, readers who entered a page password, pending messages.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # No other cookie changes what an anonymous visitor gets.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Absolute URLs in the API follow the scheme the visitor used.
    hash_data(req.http.X-Forwarded-Proto);
    # Falls through to the built-in hash: the URL and the host.
}

sub vcl_backend_response {
    # Only what the app says is public: no header, no caching.
    if (beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # For bans (above) that the ban lurker can apply in the background.
    set beresp.http.x-host = bereq.http.host;
    set beresp.http.x-path = regsub(bereq.url, "\?.*$", "");
    # The built-in rules follow: no caching with Set-Cookie or "private".
}

sub vcl_deliver {
    unset resp.http.x-host;
    unset resp.http.x-path;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
