import { app } from '@azure/functions';
import { createCollectorFunction } from '../pipeline/collectorFunction';

// Registration only. Settings are read and validated here, once: a bad value stops the app from loading
// with a message that names the setting.
const collector = createCollectorFunction(process.env);

app.timer('collectDefenderAlerts', collector.options);
