# syntax=docker/dockerfile:1
# One image for every meshgate service: `meshgate gateway` (the default command) and
# `meshgate subgraph NAME`. It runs the compiled JavaScript (dist/, from gateway/cli/bin/build.mjs
# with esbuild, a runtime dependency), no TypeScript loader. docker-compose.yml runs this image
# for the whole topology.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    MESHGATE_STATE_DIR=/var/lib/meshgate
WORKDIR /app

# Dependencies first: a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY schema ./schema
COPY policies ./policies
RUN node gateway/cli/bin/build.mjs

# Local state (the lineage spool) belongs to the unprivileged user the services run as.
RUN mkdir -p /var/lib/meshgate && chown node:node /var/lib/meshgate
USER node

EXPOSE 4000
# PORT names the port the service listens on; compose sets it for every service.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "gateway/cli/bin/meshgate.js"]
CMD ["gateway"]
