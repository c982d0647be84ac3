"""python -m localsheets --port P --data DIR [quota and fault flags]"""
import argparse
import logging

from werkzeug.serving import make_server

from localsheets.server import Faults, create_app


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m localsheets", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--data", required=True, help="directory for the SQLite store")
    parser.add_argument("--reads-per-minute", type=int, default=60, help="0 for no limit")
    parser.add_argument("--writes-per-minute", type=int, default=60, help="0 for no limit")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of requests answered 500/503")
    parser.add_argument("--drop-rate", type=float, default=0.0, help="share of answers dropped after the work")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    faults = Faults(args.reads_per_minute, args.writes_per_minute, args.latency_ms, args.fail_rate,
                    args.drop_rate, args.seed)
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(args.host, args.port, create_app(args.data, faults), threaded=True)
    print(f"localsheets serving {args.data} at http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
