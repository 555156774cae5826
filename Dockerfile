# etl in a container: a Debian 12 build stage compiles a Release binary (tests off); the runtime
# stage holds only the shared libraries it links against.
#
#   docker build -t etl .
#   docker run --rm -v "$PWD/jobs:/jobs" -e ETL_MYSQL_PASSWORD -e ETL_PG_PASSWORD etl run /jobs/x.yml

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ make cmake pkg-config \
      libyaml-cpp-dev libcli11-dev libpq-dev libmysqlcppconn-dev libsimdjson-dev libspdlog-dev \
      libfmt-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DETL_BUILD_TESTS=OFF \
 && cmake --build /build -j "$(nproc)" --target etl \
 && strip /build/apps/etl

FROM debian:12-slim AS runtime
# The runtime libraries of the -dev packages above (libmysqlcppconn7v5 pulls in libmariadb3).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libyaml-cpp0.7 libpq5 libmysqlcppconn7v5 libsimdjson14 libspdlog1.10 libfmt9 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/etl --shell /usr/sbin/nologin etl
COPY --from=build /build/apps/etl /usr/local/bin/etl
USER etl
WORKDIR /home/etl
ENTRYPOINT ["etl"]
CMD ["--help"]
