import { app } from '@azure/functions';
import {
  createScheduleCollectionFunction,
  SCHEDULE_COLLECTION_FUNCTION,
} from './handlers/scheduleCollectionHandler';

// Registration only. Settings are read and validated here, once: a bad value stops the app from loading
// with a message that names the setting.
app.timer(SCHEDULE_COLLECTION_FUNCTION, createScheduleCollectionFunction(process.env).options);
